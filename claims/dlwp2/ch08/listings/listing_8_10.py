# Listing 8.10 -- Displaying the shapes of the data and labels yielded by the Dataset
# Deep Learning with Python, 2nd ed., chapter 8, section 8.2.4 (code as printed in the book)
for data_batch, labels_batch in train_dataset:
    print("data batch shape:", data_batch.shape)
    print("labels batch shape:", labels_batch.shape)
    break
