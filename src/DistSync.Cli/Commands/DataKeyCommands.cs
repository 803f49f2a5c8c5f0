using System.CommandLine;
using DistSync.Security;

namespace DistSync.Cli.Commands;

/// <summary>
/// <c>dsync datakey init|rotate</c>: the data keyring of encryption at rest (<c>dsync.security.data-key-file</c>).
/// Offline, on the file in <c>--file</c> (default <c>data/secrets/data.key</c>); nothing is sent to a node. A node
/// reads the keyring at start, so after a rotation each node seals with the new key once restarted (with the new
/// file), and still reads what the old keys sealed.
/// </summary>
public static class DataKeyCommands
{
    public const string DefaultFile = "data/secrets/data.key";

    /// <summary>What <c>datakey init|rotate -o json</c> prints: the file, the current key id and every key id held.
    /// Never key material.</summary>
    public sealed record DataKeyringInfo(string File, uint CurrentKeyId, IReadOnlyList<uint> KeyIds);

    public static Command Build(TextWriter output)
    {
        var datakey = new Command("datakey", "the data keyring for encryption at rest of journal events and snapshots (dsync.security.data-key-file)");
        datakey.Subcommands.Add(Init(output));
        datakey.Subcommands.Add(Rotate(output));
        return datakey;
    }

    private static Option<string> FileOption() => new("--file")
    {
        Description = $"the keyring file (default {DefaultFile}); the nodes' dsync.security.data-key-file",
        DefaultValueFactory = _ => DefaultFile,
    };

    private static Command Init(TextWriter output)
    {
        var file = FileOption();
        var init = new Command("init", "writes a new keyring with one random AES-256 key (id 1, mode 0600); refuses to overwrite one") { file };
        init.SetAction(async (parse, _) =>
        {
            var path = parse.GetValue(file)!;
            try
            {
                using var keyring = DataKeyring.Create(path);
                var info = Info(keyring);
                return await CliOutput.ResultAsync(parse, output, info,
                    o => o.WriteLineAsync($"wrote the data keyring {info.File} (current key {info.CurrentKeyId}); give every node " +
                                          "dsync.security.data-key-file = that file, and keep a copy: without it the data cannot be read")).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                return await CliOutput.FailAsync(parse, ExitCodes.Conflict, e.Message).ConfigureAwait(false);
            }
        });
        return init;
    }

    private static Command Rotate(TextWriter output)
    {
        var file = FileOption();
        var rotate = new Command("rotate", "adds a new random key and makes it current; the old keys stay, so records sealed under them still read") { file };
        rotate.SetAction(async (parse, _) =>
        {
            var path = parse.GetValue(file)!;
            try
            {
                using var keyring = DataKeyring.Rotate(path);
                var info = Info(keyring);
                return await CliOutput.ResultAsync(parse, output, info,
                    o => o.WriteLineAsync($"data keyring {info.File}: key {info.CurrentKeyId} is current, keys {string.Join(", ", info.KeyIds)} are kept for reading; " +
                                          "restart each node with this file to seal new records under the new key")).ConfigureAwait(false);
            }
            catch (FileNotFoundException e)
            {
                return await CliOutput.FailAsync(parse, ExitCodes.NotFound, e.Message).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                return await CliOutput.FailAsync(parse, ExitCodes.Usage, e.Message).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return await CliOutput.FailAsync(parse, ExitCodes.Conflict, e.Message).ConfigureAwait(false);
            }
        });
        return rotate;
    }

    private static DataKeyringInfo Info(DataKeyring keyring) => new(Path.GetFullPath(keyring.Path), keyring.CurrentKeyId, keyring.KeyIds);
}
