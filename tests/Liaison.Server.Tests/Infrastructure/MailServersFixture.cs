using Liaison.Testing;

// One Dovecot + Postfix for the whole assembly (e-mail channel and outbox tests); each test makes its own mailbox.
[assembly: AssemblyFixture(typeof(MailServers))]
