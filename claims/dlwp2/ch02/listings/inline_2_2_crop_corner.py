# Inline code of section 2.2.6 -- 14 x 14 pixels in the bottom-right corner of all images
# Deep Learning with Python, 2nd ed., chapter 2, section 2.2 (code as printed in the book)
my_slice = train_images[:, 14:, 14:]
