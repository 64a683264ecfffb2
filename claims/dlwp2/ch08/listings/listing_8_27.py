# Listing 8.27 -- Freezing all layers until the fourth from the last
# Deep Learning with Python, 2nd ed., chapter 8, section 8.3.2 (code as printed in the book)
conv_base.trainable = True
for layer in conv_base.layers[:-4]:
    layer.trainable = False
