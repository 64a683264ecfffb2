# Listing 8.5 -- An incorrectly structured convnet missing its max-pooling layers
# Deep Learning with Python, 2nd ed., chapter 8, section 8.1.2 (code as printed in the book)
# Runs after listing 8.1, as in the book's notebook: it uses 8.1's imports, and Keras numbers
# its layers on from 8.1's (conv2d_3, ...), as the printed summary shows.
inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(inputs)
x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
x = layers.Flatten()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model_no_max_pool = keras.Model(inputs=inputs, outputs=outputs)
model_no_max_pool.summary()
