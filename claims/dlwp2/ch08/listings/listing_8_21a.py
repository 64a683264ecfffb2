# Listing 8.21 (first part) -- Defining and training the densely connected classifier
# Deep Learning with Python, 2nd ed., chapter 8, section 8.3.1 (code as printed in the book)
# claimcheck-change: listing 8.21 is split in two files before `callbacks = [`, so the classifier can be checked without the features
# claimcheck-change: `from tensorflow import keras` -> `import keras` (Keras 3 is a standalone multi-backend package; tf.keras would tie the listing to TensorFlow)
import keras
# claimcheck-change: `from tensorflow.keras import layers` -> `from keras import layers` (same reason)
from keras import layers

inputs = keras.Input(shape=(5, 5, 512))
x = layers.Flatten()(inputs)
x = layers.Dense(256)(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile(loss="binary_crossentropy",
              optimizer="rmsprop",
              metrics=["accuracy"])
