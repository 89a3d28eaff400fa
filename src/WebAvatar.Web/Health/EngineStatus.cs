namespace WebAvatar.Web.Health;

/// <summary>One line of the health page: a pipeline stage, which engine serves it, and whether it works.</summary>
public sealed record EngineStatus(string Stage, string Engine, bool Active, string Detail);

public sealed record ModelFile(string Kind, string Path, long Bytes);

public sealed record HealthReport(IReadOnlyList<EngineStatus> Engines, IReadOnlyList<ModelFile> Models, string ModelsFolder, int LiveSessions, int MaxSessions);
