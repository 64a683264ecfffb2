# Inline code of section 2.2.6 -- Manipulating tensors in NumPy: the same slice, explicitly
# Deep Learning with Python, 2nd ed., chapter 2, section 2.2 (code as printed in the book)
my_slice = train_images[10:100, :, :]
my_slice.shape
