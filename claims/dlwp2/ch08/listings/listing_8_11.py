# Listing 8.11 -- Fitting the model using a Dataset
# Deep Learning with Python, 2nd ed., chapter 8, section 8.2.4 (code as printed in the book)
callbacks = [
    keras.callbacks.ModelCheckpoint(
        filepath="convnet_from_scratch.keras",
        save_best_only=True,
        monitor="val_loss")
]
history = model.fit(
    train_dataset,
    epochs=30,
    validation_data=validation_dataset,
    callbacks=callbacks)
