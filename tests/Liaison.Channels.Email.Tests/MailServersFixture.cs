using Liaison.Testing;

[assembly: AssemblyFixture(typeof(MailServers))]
