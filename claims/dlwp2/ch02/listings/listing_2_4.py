# Listing 2.4 -- Preparing the image data
# Deep Learning with Python, 2nd ed., chapter 2, section 2.1 (code as printed in the book)
train_images = train_images.reshape((60000, 28 * 28))
train_images = train_images.astype("float32") / 255
test_images = test_images.reshape((10000, 28 * 28))
test_images = test_images.astype("float32") / 255
