# Listing 2.2 -- The network architecture
# Deep Learning with Python, 2nd ed., chapter 2, section 2.1 (code as printed in the book)
# claimcheck-change: `from tensorflow import keras` -> `import keras` (Keras 3 is a standalone multi-backend package; tf.keras would tie the listing to TensorFlow)
import keras
# claimcheck-change: `from tensorflow.keras import layers` -> `from keras import layers` (same reason)
from keras import layers
model = keras.Sequential([
    layers.Dense(512, activation="relu"),
    layers.Dense(10, activation="softmax")
])
