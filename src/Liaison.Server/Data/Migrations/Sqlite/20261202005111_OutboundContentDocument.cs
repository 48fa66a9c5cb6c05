using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutboundContentDocument : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_channel_id",
                table: "outbox");

            // The content moves into one document (OutboundContent, camelCase JSON); recipient and
            // provider id were copies of the message's own.
            migrationBuilder.AddColumn<string>(
                name: "content",
                table: "outbox",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.Sql(@"UPDATE outbox SET content = json_object('subject', subject, 'text', text, 'attachments', json('[]'), 'replyToProviderMessageId', in_reply_to, 'references', CASE WHEN ""references"" IS NULL THEN json('[]') ELSE json('[""' || replace(replace(replace(""references"", '\', '\\'), '""', '\""'), ' ', '"",""') || '""]') END, 'purpose', 'person', 'version', 1);");

            migrationBuilder.DropColumn(
                name: "in_reply_to",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "provider_message_id",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "references",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "subject",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "to",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "text",
                table: "outbox");

            migrationBuilder.AddColumn<string>(
                name: "idempotency_key",
                table: "outbox",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_error_code",
                table: "outbox",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_channel_id_idempotency_key",
                table: "outbox",
                columns: new[] { "channel_id", "idempotency_key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_channel_id_idempotency_key",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "idempotency_key",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "last_error_code",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "content",
                table: "outbox");

            migrationBuilder.AddColumn<string>(
                name: "text",
                table: "outbox",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "in_reply_to",
                table: "outbox",
                type: "TEXT",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "provider_message_id",
                table: "outbox",
                type: "TEXT",
                maxLength: 400,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "references",
                table: "outbox",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "subject",
                table: "outbox",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "to",
                table: "outbox",
                type: "TEXT",
                maxLength: 320,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_channel_id",
                table: "outbox",
                column: "channel_id");
        }
    }
}
