using Bottleneck.Layers;
using Bottleneck.Tensors;

namespace Bottleneck.Tests.Layers;

/// <summary>
/// Central finite differences against analytic gradients. The scalar checked is
/// L = Σ y ⊙ r for a fixed random r, so dL/dy = r exercises every output.
/// </summary>
public static class GradientCheck
{
    public const float Step = 1e-2f;

    public static void Layer(Layer layer, Tensor x, RandomState rng, double rtol = 2e-2, double atol = 2e-3)
    {
        var y = new Tensor([x.Rows, .. layer.OutputShape(x.Shape[1..])]);
        var r = RandomTensor(rng, y.Shape, 1);
        var dx = new Tensor(x.Shape);
        foreach (var p in layer.Parameters) p.Grad.Clear();
        layer.Forward(x, y);
        layer.Backward(x, y, r, dx);

        double Objective()
        {
            layer.Forward(x, y);
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += (double)y[i] * r[i];
            return sum;
        }

        Close.Check(dx.Data, Numeric(x, Objective), rtol, atol, $"{layer} dx");
        foreach (var p in layer.Parameters)
            Close.Check(p.Grad.Data, Numeric(p.Value, Objective), rtol, atol, $"{layer} d{p.Name}");
    }

    /// <summary>dObjective/dv for every element of v by central differences.</summary>
    public static float[] Numeric(Tensor v, Func<double> objective)
    {
        var g = new float[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            float saved = v[i];
            v[i] = saved + Step;
            double plus = objective();
            v[i] = saved - Step;
            double minus = objective();
            v[i] = saved;
            g[i] = (float)((plus - minus) / (2 * Step));
        }
        return g;
    }

    public static Tensor RandomTensor(RandomState rng, int[] shape, double scale, double avoidBelow = 0)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++)
        {
            double v;
            do v = rng.Uniform(-scale, scale); while (Math.Abs(v) < avoidBelow);
            t[i] = (float)v;
        }
        return t;
    }
}
