# Inline code of section 8.3.2 -- the convolutional base's summary before fine-tuning
# Deep Learning with Python, 2nd ed., chapter 8, section 8.3.2 (code as printed in the book)
conv_base.summary()
