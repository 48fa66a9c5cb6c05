using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Promises : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "is_automatic",
                table: "messages",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "sender_marked_urgent",
                table: "messages",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "is_vip",
                table: "contacts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "promises",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    message_id = table.Column<long>(type: "INTEGER", nullable: false),
                    client_id = table.Column<long>(type: "INTEGER", nullable: false),
                    conversation_id = table.Column<long>(type: "INTEGER", nullable: false),
                    channel_id = table.Column<long>(type: "INTEGER", nullable: false),
                    channel_kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    received_at = table.Column<long>(type: "INTEGER", nullable: false),
                    due_at = table.Column<long>(type: "INTEGER", nullable: false),
                    urgency = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    urgency_reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    urgency_marker = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    agreement_version = table.Column<int>(type: "INTEGER", nullable: false),
                    calendar_version = table.Column<int>(type: "INTEGER", nullable: false),
                    made_at = table.Column<long>(type: "INTEGER", nullable: false),
                    client_time_zone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    acknowledgement_message_id = table.Column<long>(type: "INTEGER", nullable: true),
                    answered_at = table.Column<long>(type: "INTEGER", nullable: true),
                    answered_by_message_id = table.Column<long>(type: "INTEGER", nullable: true),
                    closed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    closed_by_member_id = table.Column<long>(type: "INTEGER", nullable: true),
                    snoozed_until = table.Column<long>(type: "INTEGER", nullable: true),
                    handed_to_member_id = table.Column<long>(type: "INTEGER", nullable: true),
                    handed_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promises", x => x.id);
                    table.ForeignKey(
                        name: "fk_promises_clients_client_id",
                        column: x => x.client_id,
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_promises_members_handed_to_member_id",
                        column: x => x.handed_to_member_id,
                        principalTable: "members",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_promises_messages_message_id",
                        column: x => x.message_id,
                        principalTable: "messages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "urgency_markers",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    workspace_id = table.Column<long>(type: "INTEGER", nullable: false),
                    language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    markers_json = table.Column<string>(type: "TEXT", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_urgency_markers", x => x.id);
                    table.ForeignKey(
                        name: "fk_urgency_markers_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_promises_acknowledgement_message_id",
                table: "promises",
                column: "acknowledgement_message_id");

            migrationBuilder.CreateIndex(
                name: "ix_promises_answered_at_closed_at_due_at",
                table: "promises",
                columns: new[] { "answered_at", "closed_at", "due_at" });

            migrationBuilder.CreateIndex(
                name: "ix_promises_client_id_received_at",
                table: "promises",
                columns: new[] { "client_id", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_promises_conversation_id",
                table: "promises",
                column: "conversation_id");

            migrationBuilder.CreateIndex(
                name: "ix_promises_handed_to_member_id",
                table: "promises",
                column: "handed_to_member_id");

            migrationBuilder.CreateIndex(
                name: "ix_promises_message_id",
                table: "promises",
                column: "message_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_urgency_markers_workspace_id_language",
                table: "urgency_markers",
                columns: new[] { "workspace_id", "language" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "promises");

            migrationBuilder.DropTable(
                name: "urgency_markers");

            migrationBuilder.DropColumn(
                name: "is_automatic",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "sender_marked_urgent",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "is_vip",
                table: "contacts");
        }
    }
}
