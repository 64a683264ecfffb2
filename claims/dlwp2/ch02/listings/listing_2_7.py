# Listing 2.7 -- Evaluating the model on new data
# Deep Learning with Python, 2nd ed., chapter 2, section 2.1 (code as printed in the book)
test_loss, test_acc = model.evaluate(test_images, test_labels)
print(f"test_acc: {test_acc}")
