# Listing 8.8 -- Configuring the model for training
# Deep Learning with Python, 2nd ed., chapter 8, section 8.2.3 (code as printed in the book)
model.compile(loss="binary_crossentropy",
              optimizer="rmsprop",
              metrics=["accuracy"])
