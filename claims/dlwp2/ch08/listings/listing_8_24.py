# Listing 8.24 -- Printing the list of trainable weights before and after freezing
# Deep Learning with Python, 2nd ed., chapter 8, section 8.3.1 (code as printed in the book)
conv_base.trainable = True
print("This is the number of trainable weights "
      "before freezing the conv base:", len(conv_base.trainable_weights))
conv_base.trainable = False
print("This is the number of trainable weights "
      "after freezing the conv base:", len(conv_base.trainable_weights))
