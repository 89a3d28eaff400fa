using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace WebAvatar.Data;

/// <summary>Stores a DateTime as UTC (a local time is converted, an unspecified one taken as UTC) and reads it back marked UTC.</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    value => value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc),
    value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
