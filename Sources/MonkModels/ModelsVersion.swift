// MonkModels: network architectures and weight-file I/O, built on MonkEngine.
import MonkEngine
