namespace Bottleneck.Analysis;

// Scores s_i with labels y_i (true: anomalous, the positive class); higher scores mean "more anomalous".
// Sorted by score, high first, and cut at every distinct score t: TP(t), FP(t) count the scores ≥ t.
//   ROC:  (FPR, TPR) = (FP/N, TP/P) from (0, 0) to (1, 1);  AUC = trapezoidal area under it
//         (= P(s_anomalous > s_normal) + ½·P(tie), the Mann–Whitney statistic)
//   AP:   Σ_k (TPR_k − TPR_{k−1})·precision_k,  precision_k = TP_k / (TP_k + FP_k)
// Ties share one cut, as scikit-learn's roc_curve, roc_auc_score and average_precision_score do.
/// <summary>
/// How well anomaly scores separate anomalies from normal samples: the ROC curve, its area (ROC AUC) and the average
/// precision, as scikit-learn's <c>roc_curve(drop_intermediate=False)</c>, <c>roc_auc_score</c> and
/// <c>average_precision_score</c> compute them.
/// </summary>
public static class DetectionMetrics
{
    /// <summary>
    /// The ROC curve of <paramref name="scores"/> for <paramref name="anomalous"/>: (0, 0), then one point per distinct
    /// score, highest first, ending at (1, 1). An <see cref="ArgumentException"/> unless both classes occur.
    /// </summary>
    public static IReadOnlyList<(double Fpr, double Tpr)> RocCurve(ReadOnlySpan<double> scores, ReadOnlySpan<bool> anomalous)
    {
        var (cuts, positives, negatives) = Cuts(scores, anomalous);
        var curve = new List<(double, double)>(cuts.Count + 1) { (0, 0) };
        foreach (var (tp, fp) in cuts) curve.Add(((double)fp / negatives, (double)tp / positives));
        return curve;
    }

    /// <summary>The area under the ROC curve: the chance that an anomaly scores above a normal sample (ties count half).</summary>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> anomalous)
    {
        var curve = RocCurve(scores, anomalous);
        double area = 0;
        for (int k = 1; k < curve.Count; k++) area += (curve[k].Fpr - curve[k - 1].Fpr) * (curve[k].Tpr + curve[k - 1].Tpr) / 2;
        return area;
    }

    /// <summary>The average precision of ranking by <paramref name="scores"/>: precision averaged over the recall steps.</summary>
    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<bool> anomalous)
    {
        var (cuts, positives, _) = Cuts(scores, anomalous);
        double ap = 0;
        long previousTp = 0;
        foreach (var (tp, fp) in cuts)
        {
            ap += (double)(tp - previousTp) / positives * ((double)tp / (tp + fp));
            previousTp = tp;
        }
        return ap;
    }

    // The cumulative (TP, FP) at each distinct score, highest first.
    private static (List<(long Tp, long Fp)> Cuts, long Positives, long Negatives) Cuts(ReadOnlySpan<double> scores, ReadOnlySpan<bool> anomalous)
    {
        if (scores.Length != anomalous.Length) throw new ArgumentException($"{scores.Length} scores for {anomalous.Length} labels");
        int n = scores.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(scores[i])) throw new ArgumentException($"score {i} is NaN");
            order[i] = i;
        }
        var s = scores.ToArray();
        // Highest first; equal scores are one cut, so their order does not matter.
        Array.Sort(order, (a, b) => s[b].CompareTo(s[a]));
        var cuts = new List<(long, long)>();
        long tp = 0, fp = 0;
        for (int k = 0; k < n; k++)
        {
            if (anomalous[order[k]]) tp++; else fp++;
            if (k == n - 1 || s[order[k + 1]] != s[order[k]]) cuts.Add((tp, fp));
        }
        if (tp == 0 || fp == 0) throw new ArgumentException("the ROC curve needs both anomalous and normal samples");
        return (cuts, tp, fp);
    }
}
