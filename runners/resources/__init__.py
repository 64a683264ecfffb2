"""What a claim may require (MNIST, the dogs-vs-cats images, VGG16's weights, a GPU): one module each, and the registry."""
