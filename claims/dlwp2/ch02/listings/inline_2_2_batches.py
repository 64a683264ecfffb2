# Inline code of section 2.2.7 -- The notion of data batches
# Deep Learning with Python, 2nd ed., chapter 2, section 2.2 (code as printed in the book)
batch = train_images[:128]
batch = train_images[128:256]
n = 3
batch = train_images[128 * n:128 * (n + 1)]
