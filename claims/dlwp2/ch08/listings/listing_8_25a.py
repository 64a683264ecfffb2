# Listing 8.25 (first part) -- Adding a data augmentation stage and a classifier to the convolutional base
# Deep Learning with Python, 2nd ed., chapter 8, section 8.3.1 (code as printed in the book)
# claimcheck-change: listing 8.25 is split in two files before `callbacks = [`, so the model can be checked without the data
data_augmentation = keras.Sequential(
    [
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.2),
    ]
)

inputs = keras.Input(shape=(180, 180, 3))
x = data_augmentation(inputs)
x = keras.applications.vgg16.preprocess_input(x)
x = conv_base(x)
x = layers.Flatten()(x)
x = layers.Dense(256)(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile(loss="binary_crossentropy",
              optimizer="rmsprop",
              metrics=["accuracy"])
