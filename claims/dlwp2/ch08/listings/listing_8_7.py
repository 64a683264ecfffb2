# Listing 8.7 -- Instantiating a small convnet for dogs vs. cats classification
# Deep Learning with Python, 2nd ed., chapter 8, section 8.2.3 (code as printed in the book)
# claimcheck-change: `from tensorflow import keras` -> `import keras` (Keras 3 is a standalone multi-backend package; tf.keras would tie the listing to TensorFlow)
import keras
# claimcheck-change: `from tensorflow.keras import layers` -> `from keras import layers` (same reason)
from keras import layers

inputs = keras.Input(shape=(180, 180, 3))
x = layers.Rescaling(1./255)(inputs)
x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=256, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=256, kernel_size=3, activation="relu")(x)
x = layers.Flatten()(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
