using System.Globalization;

namespace DistSync.Linearizability;

/// <summary>Renderings shared by the linearizability and the sequential-consistency reports.</summary>
internal static class ReportText
{
    public static string PartitionName(int index, string label) =>
        label.Length > 0 ? $"partition {index} ({label})" : $"partition {index}";

    public static string Line(ReportedOperation op)
    {
        var ret = op.ReturnTime == long.MaxValue ? "∞" : op.ReturnTime.ToString(CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"#{op.HistoryIndex,-5} client {op.ClientId,-4} [{op.CallTime}, {ret}]  {op.Description}");
    }

    public static IReadOnlyList<ReportedOperation> Render<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model, IReadOnlyList<Operation<TInput, TOutput>> history)
    {
        var rendered = new ReportedOperation[history.Count];
        for (var i = 0; i < rendered.Length; i++)
        {
            var op = history[i];
            rendered[i] = new ReportedOperation(
                i, op.ClientId, op.CallTime, op.ReturnTime, op.IsOutputUnknown, model.DescribeOperation(op.Input, op.Output));
        }

        return rendered;
    }
}
