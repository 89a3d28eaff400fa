using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebAvatar.Data.Migrations
{
    /// <inheritdoc />
    public partial class AvatarBackground : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "BackgroundColor",
                table: "Avatars",
                type: "TEXT",
                maxLength: 7,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BackgroundImage",
                table: "Avatars",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BackgroundMode",
                table: "Avatars",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Keep");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BackgroundColor",
                table: "Avatars");

            migrationBuilder.DropColumn(
                name: "BackgroundImage",
                table: "Avatars");

            migrationBuilder.DropColumn(
                name: "BackgroundMode",
                table: "Avatars");
        }
    }
}
