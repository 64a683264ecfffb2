# Listing 2.6 -- Using the model to make predictions
# Deep Learning with Python, 2nd ed., chapter 2, section 2.1 (code as printed in the book)
test_digits = test_images[0:10]
predictions = model.predict(test_digits)
predictions[0]
