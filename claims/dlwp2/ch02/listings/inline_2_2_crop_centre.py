# Inline code of section 2.2.6 -- crop the images to patches of 14 x 14 pixels centered in the middle
# Deep Learning with Python, 2nd ed., chapter 2, section 2.2 (code as printed in the book)
my_slice = train_images[:, 7:-7, 7:-7]
