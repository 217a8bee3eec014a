namespace Bottleneck.Tensors;

/// <summary>
/// Work that a <see cref="WorkerPool"/> runs once per index, on any of its threads. A job is a readonly
/// struct holding the buffers it reads and writes, and <see cref="Run"/> must touch only what belongs
/// to its index, so the order in which threads take indices changes no result.
/// </summary>
internal interface IParallelJob
{
    void Run(int index);
}
