# Listing 8.23 -- Instantiating and freezing the VGG16 convolutional base
# Deep Learning with Python, 2nd ed., chapter 8, section 8.3.1 (code as printed in the book)
# claimcheck-change: `from tensorflow import keras` -> `import keras` (Keras 3 is a standalone multi-backend package; tf.keras would tie the listing to TensorFlow)
import keras
# claimcheck-change: `from tensorflow.keras import layers` -> `from keras import layers` (same reason)
from keras import layers

conv_base  = keras.applications.vgg16.VGG16(
    weights="imagenet",
    include_top=False)
conv_base.trainable = False
