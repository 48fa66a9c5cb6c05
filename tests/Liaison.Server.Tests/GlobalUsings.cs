global using Xunit;
global using Liaison.Server.Tests.Infrastructure;
global using DatabaseProvider = Liaison.Server.DatabaseProvider;
