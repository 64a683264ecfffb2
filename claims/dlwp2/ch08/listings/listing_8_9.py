# Listing 8.9 -- Using image_dataset_from_directory to read images
# Deep Learning with Python, 2nd ed., chapter 8, section 8.2.4 (code as printed in the book)
# claimcheck-change: `from tensorflow.keras.utils import image_dataset_from_directory` -> `from keras.utils import image_dataset_from_directory` (Keras 3 is a standalone package)
from keras.utils import image_dataset_from_directory

train_dataset = image_dataset_from_directory(
    new_base_dir / "train",
    image_size=(180, 180),
    batch_size=32)
validation_dataset = image_dataset_from_directory(
    new_base_dir / "validation",
    image_size=(180, 180),
    batch_size=32)
test_dataset = image_dataset_from_directory(
    new_base_dir / "test",
    image_size=(180, 180),
    batch_size=32)
