// Counting a network's forward FLOPs from its layers, following the spatial size through.
import MonkEngine

/// Height and width of the activations at some point of a network, and the FLOPs spent so
/// far. Networks walk their layers in forward order and call `conv`/`linear`/`pool`.
struct FLOPTally {
    var height: Int
    var width: Int
    var flops: Double = 0

    init(height: Int, width: Int) { self.height = height; self.width = width }

    /// 2·(output pixels)·out·(in/groups)·kh·kw, then moves to the output size.
    mutating func conv(_ c: Conv2D) {
        let s = c.weight.value.shape  // [out, kh, kw, in/groups]
        let y = c.padding.resolve(input: height, kernel: s[1], stride: c.stride)
        let x = c.padding.resolve(input: width, kernel: s[2], stride: c.stride)
        height = y.output; width = x.output
        flops += 2 * Double(height * width) * Double(s[0] * s[1] * s[2] * s[3])
    }

    /// 2·in·out for one image.
    mutating func linear(_ l: Linear) {
        flops += 2 * Double(l.weight.value.count)
    }

    /// A pooling window: changes the size, costs nothing counted.
    mutating func pool(kernel: Int, stride: Int, padding: Int) {
        height = (height + 2 * padding - kernel) / stride + 1
        width = (width + 2 * padding - kernel) / stride + 1
    }
}

/// A block that adds its own FLOPs and moves the tally to its output size.
protocol FLOPCounting {
    func countFLOPs(_ t: inout FLOPTally)
}

/// FLOPs of a branch that starts at `start` (for shortcuts beside a main branch).
func branchFLOPs(from start: FLOPTally, _ body: (inout FLOPTally) -> Void) -> Double {
    var t = start
    t.flops = 0
    body(&t)
    return t.flops
}
