# Inline code of section 8.3.1 -- the summary of the VGG16 convolutional base (after listing 8.19)
# Deep Learning with Python, 2nd ed., chapter 8, section 8.3.1 (code as printed in the book)
conv_base.summary()
