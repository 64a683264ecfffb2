# Listing 2.3 -- The compilation step
# Deep Learning with Python, 2nd ed., chapter 2, section 2.1 (code as printed in the book)
model.compile(optimizer="rmsprop",
              loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
