# Listing 8.3 -- Training the convnet on MNIST images
# Deep Learning with Python, 2nd ed., chapter 8, section 8.1 (code as printed in the book)
# claimcheck-change: `from tensorflow.keras.datasets import mnist` -> `from keras.datasets import mnist` (Keras 3 is a standalone multi-backend package)
from keras.datasets import mnist

(train_images, train_labels), (test_images, test_labels) = mnist.load_data()
train_images = train_images.reshape((60000, 28, 28, 1))
train_images = train_images.astype("float32") / 255
test_images = test_images.reshape((10000, 28, 28, 1))
test_images = test_images.astype("float32") / 255
model.compile(optimizer="rmsprop",
              loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(train_images, train_labels, epochs=5, batch_size=64)
