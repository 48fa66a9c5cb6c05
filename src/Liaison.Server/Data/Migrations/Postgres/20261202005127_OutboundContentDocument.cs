using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations.Postgres
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
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.Sql(@"UPDATE outbox SET content = jsonb_build_object('subject', subject, 'text', text, 'attachments', '[]'::jsonb, 'replyToProviderMessageId', in_reply_to, 'references', COALESCE(to_jsonb(string_to_array(""references"", ' ')), '[]'::jsonb), 'purpose', 'person', 'version', 1)::text;");

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
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_error_code",
                table: "outbox",
                type: "character varying(64)",
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
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "in_reply_to",
                table: "outbox",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "provider_message_id",
                table: "outbox",
                type: "character varying(400)",
                maxLength: 400,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "references",
                table: "outbox",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "subject",
                table: "outbox",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "to",
                table: "outbox",
                type: "character varying(320)",
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
