// The dsync CLI is built in issue #3; until then it says so plainly.
Console.Error.WriteLine("dsync: the CLI is not built yet (issue #3).");
return 2;
