"""Study B's convolutional ("lab") autoencoder as a torch module.

The same layers as /work/shared/peers/torch_study_b.py, but the two halves are named
`encoder` and `decoder`, so state_dict names read encoder.0.weight ... decoder.9.bias;
Bottleneck's checkpoints use these names.  Input [B, 1, 28, 28], code [B, code_size].
"""
import torch.nn as nn


class LabAutoencoder(nn.Module):
    def __init__(self, code_size=20):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 8, 3, 2, 1), nn.ReLU(),
            nn.Conv2d(8, 16, 3, 2, 1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, 2, 0), nn.ReLU(),
            nn.Flatten(),
            nn.Linear(288, 64), nn.ReLU(),
            nn.Linear(64, code_size))
        self.decoder = nn.Sequential(
            nn.Linear(code_size, 64), nn.ReLU(),
            nn.Linear(64, 288), nn.ReLU(),
            nn.Unflatten(1, (32, 3, 3)),
            nn.ConvTranspose2d(32, 16, 3, 2, output_padding=0), nn.ReLU(),
            nn.ConvTranspose2d(16, 8, 3, 2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(8, 1, 3, 2, padding=1, output_padding=1), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))
