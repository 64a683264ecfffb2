# Listing 2.1 -- Loading the MNIST dataset in Keras
# Deep Learning with Python, 2nd ed., chapter 2, section 2.1 (code as printed in the book)
# claimcheck-change: `from tensorflow.keras.datasets import mnist` -> `from keras.datasets import mnist` (Keras 3 is a standalone multi-backend package)
from keras.datasets import mnist
(train_images, train_labels), (test_images, test_labels) = mnist.load_data()
