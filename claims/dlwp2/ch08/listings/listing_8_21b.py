# Listing 8.21 (second part) -- Defining and training the densely connected classifier
# Deep Learning with Python, 2nd ed., chapter 8, section 8.3.1 (code as printed in the book)

callbacks = [
    keras.callbacks.ModelCheckpoint(
      filepath="feature_extraction.keras",
      save_best_only=True,
      monitor="val_loss")
]
history = model.fit(
    train_features, train_labels,
    epochs=20,
    validation_data=(val_features, val_labels),
    callbacks=callbacks)
