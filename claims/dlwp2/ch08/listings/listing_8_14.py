# Listing 8.14 -- Define a data augmentation stage to add to an image model
# Deep Learning with Python, 2nd ed., chapter 8, section 8.2.5 (code as printed in the book)
data_augmentation = keras.Sequential(
    [
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.2),
    ]
)
