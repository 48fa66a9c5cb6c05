using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AcknowledgementsAndScheduledSends : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "scheduled_for",
                table: "outbox",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "acknowledgements",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    message_id = table.Column<long>(type: "INTEGER", nullable: false),
                    client_id = table.Column<long>(type: "INTEGER", nullable: false),
                    conversation_id = table.Column<long>(type: "INTEGER", nullable: false),
                    channel_id = table.Column<long>(type: "INTEGER", nullable: false),
                    sender = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 48, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    due_at = table.Column<long>(type: "INTEGER", nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: true),
                    decided_at = table.Column<long>(type: "INTEGER", nullable: true),
                    outbound_message_id = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_acknowledgements", x => x.id);
                    table.ForeignKey(
                        name: "fk_acknowledgements_messages_message_id",
                        column: x => x.message_id,
                        principalTable: "messages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_acknowledgements_messages_outbound_message_id",
                        column: x => x.outbound_message_id,
                        principalTable: "messages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_acknowledgements_client_id_decided_at",
                table: "acknowledgements",
                columns: new[] { "client_id", "decided_at" });

            migrationBuilder.CreateIndex(
                name: "ix_acknowledgements_message_id",
                table: "acknowledgements",
                column: "message_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_acknowledgements_outbound_message_id",
                table: "acknowledgements",
                column: "outbound_message_id");

            migrationBuilder.CreateIndex(
                name: "ix_acknowledgements_state_due_at",
                table: "acknowledgements",
                columns: new[] { "state", "due_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "acknowledgements");

            migrationBuilder.DropColumn(
                name: "scheduled_for",
                table: "outbox");
        }
    }
}
