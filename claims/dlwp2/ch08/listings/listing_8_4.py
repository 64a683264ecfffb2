# Listing 8.4 -- Evaluating the convnet
# Deep Learning with Python, 2nd ed., chapter 8, section 8.1 (code as printed in the book)
test_loss, test_acc = model.evaluate(test_images, test_labels)
print(f"Test accuracy: {test_acc:.3f}")
