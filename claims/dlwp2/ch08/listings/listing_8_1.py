# Listing 8.1 -- Instantiating a small convnet
# Deep Learning with Python, 2nd ed., chapter 8, section 8.1 (code as printed in the book)
# claimcheck-change: `from tensorflow import keras` -> `import keras` (Keras 3 is a standalone multi-backend package; tf.keras would tie the listing to TensorFlow)
import keras
# claimcheck-change: `from tensorflow.keras import layers` -> `from keras import layers` (same reason)
from keras import layers
inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(inputs)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
x = layers.Flatten()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
