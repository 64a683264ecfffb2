# Listing 8.25 (second part) -- Adding a data augmentation stage and a classifier to the convolutional base
# Deep Learning with Python, 2nd ed., chapter 8, section 8.3.1 (code as printed in the book)

callbacks = [
    keras.callbacks.ModelCheckpoint(
        filepath="feature_extraction_with_data_augmentation.keras",
        save_best_only=True,
        monitor="val_loss")
]
history = model.fit(
    train_dataset,
    epochs=50,
    validation_data=validation_dataset,
    callbacks=callbacks)
