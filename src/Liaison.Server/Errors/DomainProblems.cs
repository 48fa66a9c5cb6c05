using Liaison.Core;
using Liaison.Core.Agreements;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Errors;

/// <summary>
/// Turns a broken domain rule into RFC 9457 problem details that name the rule and the field, so a
/// client of the API (or the UI) can point at what to fix. Everything else stays a 500.
/// </summary>
internal sealed class DomainProblems(IProblemDetailsService problems, ILogger<DomainProblems> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var problem = exception switch
        {
            DomainRuleException rule => ToProblem(rule),
            DbUpdateException { InnerException: { } inner } when IsUniqueViolation(inner) => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "That already exists.",
                Detail = "Another record already uses this value; nothing was changed.",
            },
            BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = "The request could not be read.", Detail = bad.Message },
            _ => null,
        };
        if (problem is null) return false;
        log.LogInformation("Request refused: {Rule} {Status}", problem.Extensions.TryGetValue("rule", out var r) ? r : problem.Title, problem.Status);
        http.Response.StatusCode = problem.Status ?? 400;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    public static ProblemDetails ToProblem(DomainRuleException rule)
    {
        var problem = new ProblemDetails
        {
            Status = rule is DomainConflictException ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest,
            Title = rule.Message,
            Type = $"https://liaison.invalid/rules/{rule.Rule}",
        };
        problem.Extensions["rule"] = rule.Rule;
        if (rule.Field is not null)
        {
            problem.Extensions["field"] = rule.Field;
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [rule.Field] = [rule.Message] };
        }
        // A mistyped value (a time zone id) comes back with the closest real ones to pick from.
        if (rule is AgreementRuleException { Suggestions: { Count: > 0 } suggestions })
            problem.Extensions["suggestions"] = suggestions;
        return problem;
    }

    private static bool IsUniqueViolation(Exception e) =>
        e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 } ||
        e is Npgsql.PostgresException { SqlState: "23505" };
}
