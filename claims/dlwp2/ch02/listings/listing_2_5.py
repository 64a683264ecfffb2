# Listing 2.5 -- "Fitting" the model
# Deep Learning with Python, 2nd ed., chapter 2, section 2.1 (code as printed in the book)
model.fit(train_images, train_labels, epochs=5, batch_size=128)
