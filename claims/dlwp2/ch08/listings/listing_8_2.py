# Listing 8.2 -- Displaying the model's summary
# Deep Learning with Python, 2nd ed., chapter 8, section 8.1 (code as printed in the book)
model.summary()
