# Listing 8.26 -- Evaluating the model on the test set
# Deep Learning with Python, 2nd ed., chapter 8, section 8.3.1 (code as printed in the book)
test_model = keras.models.load_model(
    "feature_extraction_with_data_augmentation.keras")
test_loss, test_acc = test_model.evaluate(test_dataset)
print(f"Test accuracy: {test_acc:.3f}")
