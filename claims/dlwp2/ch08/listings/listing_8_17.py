# Listing 8.17 -- Training the regularized convnet
# Deep Learning with Python, 2nd ed., chapter 8, section 8.2.5 (code as printed in the book)
callbacks = [
    keras.callbacks.ModelCheckpoint(
        filepath="convnet_from_scratch_with_augmentation.keras",
        save_best_only=True,
        monitor="val_loss")
]
history = model.fit(
    train_dataset,
    epochs=100,
    validation_data=validation_dataset,
    callbacks=callbacks)
