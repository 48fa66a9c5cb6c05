using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InvitationWorkspace : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "workspace_id",
                table: "invitations",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // Invitations made before this one workspace had an id on them belong to that (the only) workspace.
            migrationBuilder.Sql("UPDATE invitations SET workspace_id = (SELECT MIN(id) FROM workspaces);");

            migrationBuilder.CreateIndex(
                name: "ix_invitations_workspace_id",
                table: "invitations",
                column: "workspace_id");

            migrationBuilder.AddForeignKey(
                name: "fk_invitations_workspaces_workspace_id",
                table: "invitations",
                column: "workspace_id",
                principalTable: "workspaces",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_invitations_workspaces_workspace_id",
                table: "invitations");

            migrationBuilder.DropIndex(
                name: "ix_invitations_workspace_id",
                table: "invitations");

            migrationBuilder.DropColumn(
                name: "workspace_id",
                table: "invitations");
        }
    }
}
