// MonkData: image decoding, datasets, splits, transforms and the pixel cache.
import MonkEngine
